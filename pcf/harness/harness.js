/* Renders the built control with the sample opportunity: ?lang=1033|1028, ?disabled=1. */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var lang = Number(params.get('lang') || 1033) === 1028 ? 1028 : 1033;
  document.documentElement.lang = lang === 1028 ? 'zh-TW' : 'en';
  if (lang === 1028) {
    document.getElementById('record-title').textContent = 'Contoso 台灣 – Azure 分析導入';
    document.getElementById('section-title').textContent = 'Microsoft 合作夥伴中心';
  }
  Promise.all([
    fetch('/harness/sample-data.json').then(function (r) {
      return r.json();
    }),
    fetch('/control/strings/PartnerCenterSection.' + lang + '.resx').then(function (r) {
      return r.text();
    }),
  ])
    .then(function (loaded) {
      var sample = loaded[0];
      var Control = window.__registered['CoSell.PartnerCenterSection'];
      if (!Control) throw new Error('the bundle did not register CoSell.PartnerCenterSection');
      var host = window.PcsFakeContext.createHost({
        Control: Control,
        React: window.React,
        ReactDOM: window.ReactDOM,
        container: document.getElementById('control'),
        values: sample.values,
        columns: sample.columns,
        options: sample.options[String(lang)],
        data: sample.data,
        strings: window.PcsFakeContext.parseResx(loaded[1]),
        languageId: lang,
        entityId: sample.entityId,
        timeZoneOffsetMinutes: lang === 1028 ? 480 : 0,
        disabled: params.get('disabled') === '1',
      });
      host.render();
      window.__harness = host;
      document.body.setAttribute('data-ready', 'true');
    })
    .catch(function (error) {
      document.body.setAttribute('data-error', String((error && error.stack) || error));
      throw error;
    });
})();
