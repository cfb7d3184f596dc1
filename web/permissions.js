// Who may do what in the merchant API: every /api/merchant route names the permission it needs,
// and each role holds a set of permissions (docs/console.md). A route missing from ROUTES is the
// owner's alone, and tests/js/server-console-auth.test.js fails for it, so a new route is never
// open by accident.
'use strict';

const ROLES = {
  owner: ['read', 'programs', 'orders', 'refunds', 'money', 'owner'],
  operator: ['read', 'programs', 'orders'],
  finance: ['read', 'refunds', 'money'],
};
const ROLE_NAMES = Object.keys(ROLES);

// "METHOD /route/pattern" -> permission. Patterns are Fastify's, parameter names included.
const ROUTES = {
  'GET /api/merchant/programs': 'read',
  'GET /api/merchant/programs/:program_id': 'read',
  'POST /api/merchant/programs': 'programs',
  'PUT /api/merchant/programs/:program_id': 'programs',
  'POST /api/merchant/programs/:program_id/copy': 'programs',
  'POST /api/merchant/programs/:program_id/publish': 'programs',
  'GET /api/merchant/programs/:program_id/end-preview': 'read',
  'POST /api/merchant/programs/:program_id/end': 'programs',
  'GET /api/merchant/programs/:program_id/stock-preview': 'read',
  'POST /api/merchant/programs/:program_id/stock': 'programs',
  'PUT /api/merchant/programs/:program_id/password': 'programs',
  'GET /api/merchant/programs/:program_id/attribution': 'read',
  'PUT /api/merchant/programs/:program_id/attribution': 'programs',
  'POST /api/merchant/programs/:program_id/attribution/mode-switch': 'programs',
  'GET /api/merchant/programs/:program_id/customers': 'read',
  'GET /api/merchant/programs/:program_id/customers/:customer_id': 'read',
  'POST /api/merchant/programs/:program_id/customers/:customer_id/rebind': 'programs',
  'POST /api/merchant/programs/:program_id/customers/:customer_id/unbind': 'programs',
  'PUT /api/merchant/products/:product_id': 'programs',

  'GET /api/merchant/orders': 'read',
  'GET /api/merchant/orders/:order_id': 'read',
  'POST /api/merchant/orders/:order_id/ship': 'orders',
  'POST /api/merchant/orders/:order_id/complete': 'orders',
  'POST /api/merchant/orders/complete': 'orders',
  'GET /api/merchant/orders/:order_id/refund-preview': 'refunds',
  'POST /api/merchant/orders/:order_id/refund': 'refunds',

  'GET /api/merchant/balance': 'read',
  'GET /api/merchant/balance/statement': 'money',
  'POST /api/merchant/topup': 'money',
  'GET /api/merchant/withdrawals': 'money',
  'POST /api/merchant/withdrawals/:id/approve': 'money',
  'POST /api/merchant/withdrawals/:id/reject': 'money',
  'POST /api/merchant/withdrawals/:id/confirm': 'money',
  'GET /api/merchant/settings/withdrawal': 'read',
  'PUT /api/merchant/settings/withdrawal': 'money',

  'GET /api/merchant/distributors': 'read',
  'POST /api/merchant/distributors/:program_id/:user_id/approve': 'programs',
  'POST /api/merchant/distributors/:program_id/:user_id/reject': 'programs',
  'PUT /api/merchant/distributors/:program_id/:user_id/grade': 'programs',
  'PUT /api/merchant/users/:user_id/tags': 'programs',
  'GET /api/merchant/settings/application': 'read',
  'PUT /api/merchant/settings/application': 'programs',

  'GET /api/merchant/withdrawals/:id': 'money',
  'POST /api/merchant/withdrawals/approve': 'money',
  'GET /api/merchant/withdrawals/payout-file.xlsx': 'money',
  'GET /api/merchant/withdrawals/payout-file.csv': 'money',
  'GET /api/merchant/distributors/:program_id/:user_id': 'read',
  'POST /api/merchant/distributors/:program_id/:user_id/freeze': 'programs',
  'POST /api/merchant/distributors/:program_id/:user_id/unfreeze': 'programs',
  'POST /api/merchant/distributors/:program_id/:user_id/revoke': 'programs',
  'PUT /api/merchant/distributors/:program_id/:user_id/inviter': 'programs',
  'PUT /api/merchant/distributors/:program_id/:user_id/groups': 'programs',
  'GET /api/merchant/groups': 'read',
  'POST /api/merchant/groups': 'programs',
  'PUT /api/merchant/groups/:group_id': 'programs',
  'DELETE /api/merchant/groups/:group_id': 'programs',
  'GET /api/merchant/products': 'read',
  'GET /api/merchant/tags': 'read',
  'GET /api/merchant/settings/poster': 'read',
  'PUT /api/merchant/settings/poster': 'programs',
  'GET /api/merchant/exports/orders.csv': 'read',
  'GET /api/merchant/exports/orders.xlsx': 'read',
  'GET /api/merchant/exports/commissions.csv': 'read',
  'GET /api/merchant/exports/commissions.xlsx': 'read',
  'GET /api/merchant/exports/withdrawals.csv': 'money',
  'GET /api/merchant/exports/withdrawals.xlsx': 'money',
  'GET /api/merchant/exports/distributors.csv': 'read',
  'GET /api/merchant/exports/distributors.xlsx': 'read',
  'GET /api/merchant/stats': 'read',
  'GET /api/merchant/export.csv': 'read',
  'POST /api/merchant/release': 'orders',

  'GET /api/merchant/settings/shop': 'read',
  'PUT /api/merchant/settings/shop': 'owner',
  'GET /api/merchant/staff': 'owner',
  'POST /api/merchant/staff': 'owner',
  'GET /api/merchant/api-keys': 'owner',
  'POST /api/merchant/api-keys': 'owner',
  'DELETE /api/merchant/api-keys/:key_id': 'owner',
  'GET /api/merchant/wechat': 'owner',
  'PUT /api/merchant/wechat': 'owner',
  'POST /api/merchant/wechat/check': 'owner',
};

const permissionOf = (method, pattern) => ROUTES[`${method} ${pattern}`] || 'owner';
const allows = (role, permission) => Boolean(ROLES[role] && ROLES[role].includes(permission));
const rolesWith = (permission) => ROLE_NAMES.filter((r) => allows(r, permission));

module.exports = { ROLES, ROLE_NAMES, ROUTES, permissionOf, allows, rolesWith };
