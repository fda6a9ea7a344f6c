export {
  toPublicUser,
  toMe,
  getUser,
  updateProfile,
  userAccounts,
  userErasure,
  type PublicUser,
} from './users.service.js';
export { isPhoneRegion, normalizePhone, setPhoneRegion } from './phone.js';
export type { UserRow, AccessUpdate } from './users.repo.js';
export { UserSchema, RoleSchema, StaffRoleSchema, MeSchema, UpdateMeRequest } from './users.schema.js';
export { liftSuspensionTask, liftSuspensionJobKey } from './lift-suspension.task.js';
