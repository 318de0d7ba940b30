/* What the platform sets up before a control bundle runs: the React globals the bundle's externals name,
 * and ComponentFramework.registerControl (the bundle registers itself through it). */
window.Reactv16 = window.React;
window.ReactDOMv16 = window.ReactDOM;
window.__registered = {};
window.ComponentFramework = {
  registerControl: function (name, ctor) {
    window.__registered[name] = ctor;
  },
};
