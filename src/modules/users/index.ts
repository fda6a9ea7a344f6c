export { toPublicUser, getUser, userAccounts, userErasure, type PublicUser } from './users.service.js';
export { normalizeEgyptianPhone } from './phone.js';
export type { UserRow } from './users.repo.js';
export { UserSchema, RoleSchema } from './users.schema.js';
