import { DataSource } from 'typeorm';
import { LifetimeValueConfig, loadLifetimeValueConfig } from './lifetime-value.config';
import { createLifetimeValueLoaders } from './lifetime-value.loaders';
import { LifetimeValueRepository } from './lifetime-value.repository';
import { LifetimeValueService } from './lifetime-value.service';

/** The module's shared, stateless parts: built once at start-up, so a bad rate setting stops the app there. */
export interface LifetimeValueRepositories {
  repo: LifetimeValueRepository;
  config: LifetimeValueConfig;
}

export function createLifetimeValueRepositories(dataSource: DataSource, env: NodeJS.ProcessEnv = process.env): LifetimeValueRepositories {
  return { repo: new LifetimeValueRepository(dataSource), config: loadLifetimeValueConfig(env) };
}

/** A service with fresh loaders: per request in the API, per run in the CLI and the bench. */
export function createLifetimeValueService(repos: LifetimeValueRepositories, clock: () => Date = () => new Date()): LifetimeValueService {
  return new LifetimeValueService(repos.repo, createLifetimeValueLoaders(repos.repo, repos.config, clock), repos.config);
}
