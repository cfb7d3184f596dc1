// Errors the API answers with: an HTTP status, a stable code, the field's path, a message.
'use strict';

class ApiError extends Error {
  constructor(status, code, path, message) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path || '';
  }
}

const bad = (code, path, message) => new ApiError(400, code, path, message);
const notFound = (what, path = '') => new ApiError(404, 'E_NOT_FOUND', path, `${what} not found`);
const conflict = (code, message, path = '') => new ApiError(409, code, path, message);

// An engine failure ({ok:false, errors}) as an ApiError. `rename` maps the engine request's
// top-level keys to the API's field names, e.g. {program: 'config'}.
function fromEngine(result, rename = {}) {
  const errors = result.errors.map((e) => {
    const [head, ...rest] = e.path.split('.');
    const mapped = head in rename ? [rename[head], ...rest].filter(Boolean).join('.') : e.path;
    return { ...e, path: mapped };
  });
  const err = bad(errors[0].code, errors[0].path, errors[0].message);
  err.errors = errors;
  return err;
}

module.exports = { ApiError, bad, notFound, conflict, fromEngine };
