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

// An engine failure ({ok:false, errors}) as an ApiError naming the first problem's field.
function fromEngine(result, prefix = '') {
  const e = result.errors[0];
  const err = bad(e.code, prefix && e.path ? `${prefix}.${e.path}` : (prefix || e.path), e.message);
  err.errors = result.errors;
  return err;
}

module.exports = { ApiError, bad, notFound, conflict, fromEngine };
