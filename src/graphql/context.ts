import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Logger } from '../common/logger';
import { BranchRepository } from '../modules/branch/branch.repository';
import { BranchService, createBranchLoaders } from '../modules/branch/branch.service';
import { createCoreBankingLoaders } from '../modules/core-banking/core-banking.loaders';
import { CoreBankingRepository } from '../modules/core-banking/core-banking.repository';
import { CoreBankingService } from '../modules/core-banking/core-banking.service';
import { createCustomerLoaders } from '../modules/customer/customer.loaders';
import { CustomerRepository } from '../modules/customer/customer.repository';
import { CustomerService } from '../modules/customer/customer.service';
import { createMobileBankingLoaders } from '../modules/mobile-banking/mobile-banking.loaders';
import { MobileBankingRepository } from '../modules/mobile-banking/mobile-banking.repository';
import { MobileBankingService } from '../modules/mobile-banking/mobile-banking.service';
import { NodeService } from '../modules/node/node.service';
import { createPartnerLoaders } from '../modules/partner/partner.loaders';
import { PartnerRepository } from '../modules/partner/partner.repository';
import { PartnerService } from '../modules/partner/partner.service';
import { CustomerStatsRepository } from '../modules/segment/customer-stats.repository';
import { CustomerStatsService } from '../modules/segment/customer-stats.service';
import { createSegmentLoaders } from '../modules/segment/segment.loaders';
import { SegmentRefreshService } from '../modules/segment/segment-refresh.service';
import { SegmentRepository } from '../modules/segment/segment.repository';
import { SegmentService } from '../modules/segment/segment.service';
import {
  createServiceHistoryRepositories,
  createServiceHistoryServices,
  ServiceHistoryRepositories,
  ServiceHistoryServices,
} from '../modules/service-history/service-history.context';
import { AccessPolicy } from '../modules/access/access-policy';
import { AccessRepository } from '../modules/access/access.repository';
import { AccessService } from '../modules/access/access.service';
import { IngestionService } from '../ingestion/ingestion.service';
import { Principal } from '../modules/access/principal';
import { createLifetimeValueRepositories, createLifetimeValueService, LifetimeValueRepositories } from '../modules/lifetime-value/lifetime-value.context';
import { LifetimeValueService } from '../modules/lifetime-value/lifetime-value.service';

/** Repositories are stateless and shared by all requests. */
export interface Repositories {
  customer: CustomerRepository;
  coreBanking: CoreBankingRepository;
  mobileBanking: MobileBankingRepository;
  partner: PartnerRepository;
  branch: BranchRepository;
  segment: SegmentRepository;
  customerStats: CustomerStatsRepository;
  access: AccessRepository;
  serviceHistory: ServiceHistoryRepositories;
  lifetimeValue: LifetimeValueRepositories;
}

export function createRepositories(dataSource: DataSource): Repositories {
  return {
    customer: new CustomerRepository(dataSource),
    coreBanking: new CoreBankingRepository(dataSource),
    mobileBanking: new MobileBankingRepository(dataSource),
    partner: new PartnerRepository(dataSource),
    branch: new BranchRepository(dataSource),
    segment: new SegmentRepository(dataSource),
    customerStats: new CustomerStatsRepository(dataSource),
    access: new AccessRepository(dataSource),
    serviceHistory: createServiceHistoryRepositories(dataSource),
    lifetimeValue: createLifetimeValueRepositories(dataSource),
  };
}

/** Services that live as long as the app (no per-request state). */
export interface AppServices {
  access: AccessService;
  ingestion: IngestionService;
}

export interface Services extends ServiceHistoryServices {
  access: AccessService;
  ingestion: IngestionService;
  customer: CustomerService;
  coreBanking: CoreBankingService;
  mobileBanking: MobileBankingService;
  partner: PartnerService;
  branch: BranchService;
  segment: SegmentService;
  customerStats: CustomerStatsService;
  lifetimeValue: LifetimeValueService;
  node: NodeService;
}

/** Services with fresh DataLoaders: built once per request so no cache outlives it. */
export function createRequestServices(repos: Repositories, access: AccessPolicy, app: AppServices): Services {
  const customer = new CustomerService(repos.customer, createCustomerLoaders(repos.customer), access);
  const coreBanking = new CoreBankingService(repos.coreBanking, createCoreBankingLoaders(repos.coreBanking));
  const mobileBanking = new MobileBankingService(createMobileBankingLoaders(repos.mobileBanking));
  const partner = new PartnerService(repos.partner, createPartnerLoaders(repos.partner), access);
  const branch = new BranchService(repos.branch, createBranchLoaders(repos.branch));
  const segment = new SegmentService(repos.segment, createSegmentLoaders(repos.segment), new SegmentRefreshService(repos.segment), customer);
  const customerStats = new CustomerStatsService(repos.customerStats, access);
  const serviceHistory = createServiceHistoryServices(repos.serviceHistory);
  return {
    access: app.access,
    ingestion: app.ingestion,
    customer,
    coreBanking,
    mobileBanking,
    partner,
    branch,
    segment,
    customerStats,
    lifetimeValue: createLifetimeValueService(repos.lifetimeValue),
    node: new NodeService({ customer, coreBanking, partner, branch, serviceHistory: serviceHistory.serviceHistory }, access),
    ...serviceHistory,
  };
}

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  principal: Principal;
  access: AccessPolicy;
  services: Services;
}

export function createContext(
  repos: Repositories,
  logger: Logger,
  principal: Principal,
  app: AppServices,
  requestId: string = randomUUID(),
): GraphQLContext {
  const access = new AccessPolicy(principal, principal.partnerId ? app.access.consent.scopesLoader(principal.partnerId) : null);
  return { requestId, logger: logger.child({ requestId }), principal, access, services: createRequestServices(repos, access, app) };
}
