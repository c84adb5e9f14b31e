import { DataSource } from 'typeorm';
import { AnnualStatementRepository } from './annual-statement.repository';
import { AnnualStatementService, createAnnualStatementLoaders } from './annual-statement.service';
import { PaymentChannelsRepository } from './payment-channels.repository';
import { createPaymentChannelLoaders, PaymentChannelsService } from './payment-channels.service';
import { loadServiceHistoryConfig, ServiceHistoryConfig } from './service-history.config';
import { createServiceHistoryLoaders } from './service-history.loaders';
import { ServiceHistoryRepository } from './service-history.repository';
import { ServiceHistoryService } from './service-history.service';

/** The module's shared, stateless parts: built once at start-up, so a bad setting stops the app there. */
export interface ServiceHistoryRepositories {
  history: ServiceHistoryRepository;
  statements: AnnualStatementRepository;
  payments: PaymentChannelsRepository;
  config: ServiceHistoryConfig;
}

export function createServiceHistoryRepositories(dataSource: DataSource, env: NodeJS.ProcessEnv = process.env): ServiceHistoryRepositories {
  return {
    history: new ServiceHistoryRepository(dataSource),
    statements: new AnnualStatementRepository(dataSource),
    payments: new PaymentChannelsRepository(dataSource),
    config: loadServiceHistoryConfig(env),
  };
}

/** Per-request services with fresh loaders. */
export function createServiceHistoryServices(repos: ServiceHistoryRepositories, clock: () => Date = () => new Date()) {
  return {
    serviceHistory: new ServiceHistoryService(repos.history, createServiceHistoryLoaders(repos.history), repos.config.contactPolicy, clock),
    annualStatement: new AnnualStatementService(createAnnualStatementLoaders(repos.statements, repos.config), repos.config, clock),
    paymentChannels: new PaymentChannelsService(repos.payments, createPaymentChannelLoaders(repos.payments), clock),
  };
}

export type ServiceHistoryServices = ReturnType<typeof createServiceHistoryServices>;
