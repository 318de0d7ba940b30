/*
 * A tiny stand-in for the model-driven form that hosts a PCF virtual control: bound parameters with
 * values, options and field security, resx strings, a fake Web API, and the platform's loop
 * (notifyOutputChanged → getOutputs → new values → updateView → render). Plain JS (UMD) so the browser
 * harness page and the jest tests share it: `require('./fake-context')` or `window.PcsFakeContext`.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.PcsFakeContext = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /** resx text → { key: string } (DOMParser: the browser's, or jsdom's in jest). */
  function parseResx(xml) {
    var doc = new DOMParser().parseFromString(xml, 'application/xml');
    var out = {};
    var nodes = doc.getElementsByTagName('data');
    for (var i = 0; i < nodes.length; i++) {
      var value = nodes[i].getElementsByTagName('value')[0];
      out[nodes[i].getAttribute('name')] = value ? value.textContent : '';
    }
    return out;
  }

  var TYPES = {
    SyncWithPartnerCenter: 'TwoOptions',
    ReferralVisibility: 'TwoOptions',
    ReferralIdentifier: 'SingleLine.Text',
    ReferralLink: 'SingleLine.URL',
    HowCanMicrosoftHelp: 'MultiSelectOptionSet',
    ReferralStatus: 'OptionSet',
    ReferralSubstatus: 'OptionSet',
    MicrosoftCrmIdentifier: 'SingleLine.Text',
    Audit: 'Multiple',
    CustomerAccount: 'Lookup.Simple',
    CustomerContact: 'Lookup.Simple',
  };

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  /** A fake Web API over in-memory rows; every query is logged in `calls`. */
  function fakeWebApi(data) {
    var calls = [];
    var delay = function (value) {
      return new Promise(function (resolve) {
        setTimeout(function () {
          resolve(value);
        }, data.delayMs || 0);
      });
    };
    return {
      calls: calls,
      retrieveMultipleRecords: function (entity, query) {
        calls.push({ op: 'retrieveMultipleRecords', entity: entity, query: query });
        if (data.fail) return Promise.reject(new Error('offline'));
        if (entity === 'environmentvariabledefinition') return delay({ entities: data.environmentVariables || [] });
        return delay({ entities: clone((data.tables || {})[entity] || []) });
      },
      retrieveRecord: function (entity, id, query) {
        calls.push({ op: 'retrieveRecord', entity: entity, id: id, query: query });
        if (data.fail) return Promise.reject(new Error('offline'));
        var row = ((data.records || {})[entity] || {})[id];
        return row ? delay(clone(row)) : Promise.reject(new Error('not found'));
      },
    };
  }

  /**
   * Hosts a control: `options` = { Control, React, ReactDOM, container, values, columns (property →
   * logical name), options (property → [{ Value, Label }]), security (property → { readable, editable }),
   * strings, languageId, disabled, entityId, data (fake Web API rows), timeZoneOffsetMinutes }.
   * Returns { control, context, outputs (every getOutputs result), values, render(), setValues(), webAPI }.
   */
  function createHost(options) {
    var values = Object.assign({}, options.values || {});
    var outputs = [];
    var webAPI = fakeWebApi(options.data || {});
    var strings = options.strings || {};
    var context;

    function parameter(name) {
      var security = (options.security || {})[name] || { readable: true, editable: true, secured: false };
      return {
        raw: values[name] === undefined ? null : values[name],
        formatted: values[name] === undefined || values[name] === null ? '' : String(values[name]),
        error: false,
        errorMessage: '',
        type: TYPES[name],
        security: {
          readable: security.readable !== false,
          editable: security.editable !== false,
          secured: security.readable === false || security.editable === false,
        },
        attributes: { LogicalName: (options.columns || {})[name] || name.toLowerCase(), Options: (options.options || {})[name] },
      };
    }

    function buildContext() {
      var parameters = {};
      Object.keys(TYPES).forEach(function (name) {
        parameters[name] = parameter(name);
      });
      return {
        parameters: parameters,
        mode: {
          isControlDisabled: options.disabled === true,
          isVisible: true,
          label: 'Sync with Partner Center',
          contextInfo: { entityId: options.entityId || '', entityTypeName: 'opportunity' },
          setControlState: function () {
            return true;
          },
          setFullScreen: function () {},
          trackContainerResize: function () {},
          allocatedHeight: -1,
          allocatedWidth: -1,
        },
        userSettings: {
          languageId: options.languageId || 1033,
          getTimeZoneOffsetMinutes: function () {
            return options.timeZoneOffsetMinutes || 0;
          },
        },
        resources: {
          getString: function (key) {
            return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
          },
        },
        webAPI: webAPI,
      };
    }

    var control = new options.Control();
    var host = {
      control: control,
      outputs: outputs,
      values: values,
      webAPI: webAPI,
      get context() {
        return context;
      },
      render: function () {
        context = buildContext();
        var element = control.updateView(context);
        if (options.ReactDOM && options.container) options.ReactDOM.render(element, options.container);
        return element;
      },
      /** The form changed values (a business rule, another field, a save): updateView runs again. */
      setValues: function (changes) {
        Object.assign(values, changes);
        return host.render();
      },
    };
    context = buildContext();
    control.init(
      context,
      function notifyOutputChanged() {
        // The form asks for the outputs, writes them to the columns, then calls updateView with the new values.
        var result = control.getOutputs();
        outputs.push(result);
        Object.keys(result).forEach(function (name) {
          if (result[name] !== undefined) values[name] = result[name];
        });
        setTimeout(host.render, 0);
      },
      {},
    );
    return host;
  }

  return { parseResx: parseResx, createHost: createHost, fakeWebApi: fakeWebApi, TYPES: TYPES };
});
