import type { JobKind, JobPort } from './job-port.js';
import { servicePort } from './service-job.js';
import { tripPort } from './trip-job.js';

/** The engine's one entry per job kind (job-port.ts). */
const PORTS: Readonly<Record<JobKind, JobPort>> = { trip: tripPort, service_request: servicePort };
export const portOf = (kind: JobKind) => PORTS[kind];
