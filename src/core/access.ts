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
  'detect:read',
  'detect:write',
  'detect:ingest',
  'detect:settings',
  'guard:use',
  'guard:read',
  'guard:settings',
  'learn:self',
  'learn:read',
  'learn:manage',
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
  analyst: [
    'posture:read',
    'findings:read',
    'findings:write',
    'sense:read',
    'mail:report',
    'mail:read',
    'mail:write',
    'detect:read',
    'detect:write',
    'guard:use',
    'guard:read',
    'learn:self',
    'learn:read',
  ],
  auditor: [
    'posture:read',
    'users:read',
    'tokens:read-all',
    'audit:read',
    'findings:read',
    'metrics:read',
    'sense:read',
    'mail:read',
    'detect:read',
    'guard:read',
    'learn:read',
  ],
  // Every employee may report a message they doubt, and see its analysis; and follows their own
  // learning path (learn:self — not given to auditors, whose role changes nothing, quiz state included).
  learner: ['mail:report', 'guard:use', 'learn:self'],
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
