/**
 * Roles and permissions, shared by the server (which enforces them on every route)
 * and the web app (which only uses them to hide what a role cannot reach).
 */
export const ROLES = ['admin', 'analyst', 'auditor', 'learner'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'posture:read',
  'users:read',
  'users:write',
  'tokens:read-all',
  'tokens:write-all',
  'audit:read',
  'findings:read',
  'findings:write',
  'metrics:read',
  'sense:read',
  'sense:write',
  'mail:report',
  'mail:read',
  'mail:write',
  'mail:settings',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What each role may do. Everyone may manage their own session, password and API tokens;
 * those routes need authentication but no permission.
 * - admin: everything.
 * - analyst: works findings, reads the posture and the sensors.
 * - auditor: reads everything, changes nothing.
 * - learner: an employee; their own account, and reporting a doubtful message (later, their learning path).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  analyst: ['posture:read', 'findings:read', 'findings:write', 'sense:read', 'mail:report', 'mail:read', 'mail:write'],
  auditor: [
    'posture:read',
    'users:read',
    'tokens:read-all',
    'audit:read',
    'findings:read',
    'metrics:read',
    'sense:read',
    'mail:read',
  ],
  // Every employee may report a message they doubt, and see its analysis.
  learner: ['mail:report'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Effective permissions: the role's, narrowed by an API token's scopes when the caller
 * authenticates with a token (a token can never exceed its owner's role).
 */
export function effectivePermissions(role: Role, scopes?: readonly Permission[]): Permission[] {
  const granted = ROLE_PERMISSIONS[role];
  return scopes ? granted.filter((p) => scopes.includes(p)) : [...granted];
}
