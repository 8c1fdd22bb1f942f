import type { LocalHttpClient, LocalHttpClientOptions } from '../local-http-client.ts';
import type { BenchOptions } from '../options.ts';
import type { PhaseUsage, ProcessSampler } from '../process-sampler.ts';
import type { WaylineDeployment } from '../wayline-deployment.ts';

/** Services the runner passes to a scenario. */
export interface ScenarioContext {
  options: BenchOptions;
  deployment: WaylineDeployment;
  sampler: ProcessSampler;
  /** API keys of the run: the admin key the processes started with, and a platform key created from it. */
  keys: { admin: string; platform: string };
  /** Creates a client for Wayline's port, which the scenario closes. It sends the admin key unless `options.apiKey` is set. */
  createClient(options: LocalHttpClientOptions): LocalHttpClient;
}

/** Fields every scenario result has. */
export interface ScenarioResultBase {
  /** Memory and CPU of each measured phase. */
  usage: PhaseUsage[];
}
