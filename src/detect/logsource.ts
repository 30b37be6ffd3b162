/**
 * Which events a rule's `logsource` covers, as data. For Windows, a category or service
 * becomes a list of (channel, event ids) pairs; Sysmon events carry the categories of the
 * generic Sigma taxonomy. A log source this table cannot decide (an unknown category, or a
 * product whose events do not say where they come from) leaves the rule to its detection alone:
 * that may raise more alerts than a precise log source would, never fewer.
 */
import type { SigmaLogSource } from './rule.js';

/** Events of one channel, optionally only some event ids. */
export interface ChannelEvents {
  readonly channel: string;
  readonly eventIds?: readonly number[];
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const sysmon = (...eventIds: number[]): ChannelEvents => ({ channel: SYSMON, eventIds });

/** Generic categories on Windows. */
export const WINDOWS_CATEGORIES: Readonly<Record<string, readonly ChannelEvents[]>> = {
  process_creation: [sysmon(1), { channel: 'Security', eventIds: [4688] }],
  file_change: [sysmon(2)],
  network_connection: [sysmon(3), { channel: 'Security', eventIds: [5156] }],
  sysmon_status: [sysmon(4, 16)],
  process_termination: [sysmon(5)],
  driver_load: [sysmon(6)],
  image_load: [sysmon(7)],
  create_remote_thread: [sysmon(8)],
  raw_access_thread: [sysmon(9)],
  process_access: [sysmon(10)],
  file_event: [sysmon(11)],
  registry_add: [sysmon(12)],
  registry_delete: [sysmon(12)],
  registry_set: [sysmon(13)],
  registry_rename: [sysmon(14)],
  registry_event: [sysmon(12, 13, 14)],
  create_stream_hash: [sysmon(15)],
  pipe_created: [sysmon(17, 18)],
  wmi_event: [sysmon(19, 20, 21)],
  dns_query: [sysmon(22)],
  file_delete: [sysmon(23, 26)],
  file_delete_detected: [sysmon(26)],
  clipboard_change: [sysmon(24)],
  process_tampering: [sysmon(25)],
  file_block_executable: [sysmon(27)],
  file_block_shredding: [sysmon(28)],
  file_executable_detected: [sysmon(29)],
  sysmon_error: [sysmon(255)],
  ps_module: [{ channel: 'Microsoft-Windows-PowerShell/Operational', eventIds: [4103] }],
  ps_script: [{ channel: 'Microsoft-Windows-PowerShell/Operational', eventIds: [4104] }],
  ps_classic_start: [{ channel: 'Windows PowerShell', eventIds: [400] }],
  ps_classic_provider_start: [{ channel: 'Windows PowerShell', eventIds: [600] }],
  ps_classic_script: [{ channel: 'Windows PowerShell', eventIds: [800] }],
};

/** Services on Windows: their channel. */
export const WINDOWS_SERVICES: Readonly<Record<string, readonly string[]>> = {
  security: ['Security'],
  system: ['System'],
  application: ['Application'],
  sysmon: [SYSMON],
  powershell: ['Microsoft-Windows-PowerShell/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  dns_server: ['DNS Server'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  driver_framework: ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  firewall: ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  bits: ['Microsoft-Windows-Bits-Client/Operational'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  codeintegrity: ['Microsoft-Windows-CodeIntegrity/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  ldap_debug: ['Microsoft-Windows-LDAP-Client/Debug'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'security-mitigations': [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker-Admin'],
  vhdmp: ['Microsoft-Windows-VHDMP-Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'msexchange-management': ['MSExchange Management'],
};

/**
 * Where a rule applies: `products` (lower-case) it is restricted to, and for Windows events
 * the channels and ids it covers. `undefined` sources mean "undecided: detection alone".
 */
export interface RuleScope {
  readonly product: string | undefined;
  readonly sources: readonly ChannelEvents[] | undefined;
}

/** A table's own entry that is a list: never an inherited `constructor`, `__proto__`, ... */
function listIn<T>(table: Readonly<Record<string, readonly T[]>>, key: string | undefined): readonly T[] | undefined {
  if (key === undefined || !Object.hasOwn(table, key)) return undefined;
  const found = table[key];
  return Array.isArray(found) ? found : undefined;
}

export function ruleScope(logsource: SigmaLogSource): RuleScope {
  let product = logsource.product?.toLowerCase();
  if (product === undefined) {
    const category = logsource.category?.toLowerCase();
    // A product-less rule of a Windows category (process_creation, ...) reads Windows events
    // as such; one of another category (webserver, proxy, ...) never applies to them.
    if (listIn(WINDOWS_CATEGORIES, category)) product = 'windows';
    else if (category !== undefined || logsource.service !== undefined)
      return { product: `category:${category ?? logsource.service}`, sources: undefined };
  }
  if (product === 'linux') {
    // Linux services are the event's "channels" (see linuxServices); a Linux category
    // (process_creation, ...) comes from auditd or Sysmon for Linux, never from syslog lines.
    const service = logsource.service?.toLowerCase();
    const category = logsource.category?.toLowerCase();
    if (service !== undefined) return { product, sources: [{ channel: service }] };
    if (category !== undefined) return { product, sources: [{ channel: `category:${category}` }] };
    return { product, sources: undefined };
  }
  if (product !== 'windows') return { product, sources: undefined };
  const byCategory = listIn(WINDOWS_CATEGORIES, logsource.category?.toLowerCase());
  const byService = listIn(WINDOWS_SERVICES, logsource.service?.toLowerCase());
  if (byCategory && byService) {
    // Both given: the category's events on the service's channels.
    const sources = byCategory.filter((s) => byService.includes(s.channel));
    return { product, sources: sources.length > 0 ? sources : byCategory };
  }
  if (byCategory) return { product, sources: byCategory };
  if (byService) return { product, sources: byService.map((channel) => ({ channel })) };
  return { product, sources: undefined };
}

/** Programs whose syslog lines are authentication logs (Sigma's `service: auth`, /var/log/auth.log). */
export const LINUX_AUTH_PROGRAMS: readonly string[] = [
  'sshd',
  'sshd-session',
  'sudo',
  'su',
  'login',
  'passwd',
  'chpasswd',
  'useradd',
  'userdel',
  'usermod',
  'groupadd',
  'groupdel',
  'gpasswd',
  'systemd-logind',
  'polkitd',
  'pkexec',
  'unix_chkpwd',
  'chage',
];

/**
 * The Sigma services a Linux syslog line belongs to: `syslog` always, `auth` for the programs
 * above or the auth / authpriv facilities (4, 10), and the program's own name (`sshd`, `sudo`,
 * `cron`, `vsftpd`, ...; `sshd-session` counts as `sshd`).
 */
export function linuxServices(program: string | undefined, facility: string | undefined): string[] {
  const services = ['syslog'];
  const name = program?.toLowerCase();
  if ((name !== undefined && LINUX_AUTH_PROGRAMS.includes(name)) || facility === '4' || facility === '10')
    services.push('auth');
  if (name !== undefined) services.push(name === 'sshd-session' ? 'sshd' : name);
  if (name === 'crond' || name === 'anacron') services.push('cron');
  return services;
}
