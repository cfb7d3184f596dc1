// Prepended to the mini-program build (ENGINE_MINIPROGRAM): WeChat mini-programs have no global
// WebAssembly, only WXWebAssembly, and the 3.1.6 glue aborts at once without the former (it also
// builds WebAssembly.RuntimeError on abort). Instantiation itself goes through the
// instantiateWasm hook the page passes to loadEngine (docs/pages.md). Where a real WebAssembly
// exists (a browser, Node) it is used as it is.
// eslint-disable-next-line no-var
var WebAssembly = (function (root) {
  if (root && root.WebAssembly) return root.WebAssembly;
  if (typeof WXWebAssembly === 'undefined') return undefined;
  const shim = Object.create(WXWebAssembly);
  if (!WXWebAssembly.RuntimeError) shim.RuntimeError = Error;
  return shim;
})(typeof globalThis !== 'undefined' ? globalThis : typeof global !== 'undefined' ? global : undefined);
