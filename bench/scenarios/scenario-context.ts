import type { LocalHttpClient } from '../local-http-client.ts';
import type { BenchOptions } from '../options.ts';
import type { PhaseUsage, ProcessSampler } from '../process-sampler.ts';
import type { WaylineDeployment } from '../wayline-deployment.ts';

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  options: BenchOptions;
  deployment: WaylineDeployment;
  sampler: ProcessSampler;
  /** A keep-alive client for Wayline's port with up to `maxSockets` connections; the scenario closes it. */
  createClient(maxSockets: number): LocalHttpClient;
}

/** Fields every scenario result has. */
export interface ScenarioResultBase {
  /** Memory and CPU of each measured phase. */
  usage: PhaseUsage[];
}
