export { toPublicUser, getUser, type PublicUser } from './users.service.js';
export { normalizeEgyptianPhone } from './phone.js';
export { insertUser, findUserByPhone, findUserById, findUsersByIds, type UserRow } from './users.repo.js';
export { UserSchema, RoleSchema } from './users.schema.js';
export { lockUserForErasure, anonymiseUser, revokeUserSessions, ERASED_NAME } from './erasure.repo.js';
export { registerUserAccessRoutes } from './access.routes.js';
