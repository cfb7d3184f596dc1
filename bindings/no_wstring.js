// Embind registers std::wstring, std::u16string and std::u32string whether a module uses them or
// not, which links their UTF-16/UTF-32 converters into the glue (~0.55 KB brotli). The engine's
// boundary is UTF-8 JSON text only, so the registration is a no-op here: binding a function that
// takes a wide string would fail at load with "unbound type" instead of silently growing the glue.
mergeInto(LibraryManager.library, {
  _embind_register_std_wstring: function (rawType, charSize, name) {},
  _embind_register_std_wstring__deps: [],
});
