import { DataSource } from 'typeorm';
import { readQuery } from '../../database/read-routing';

export interface BranchRow {
  id: string;
  code: string;
  name: string;
  city: string | null;
  region: string | null;
}

export class BranchRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findAll(): Promise<BranchRow[]> {
    return readQuery(this.dataSource, `SELECT id, code, name, city, region FROM branch ORDER BY code`);
  }

  async findByIds(ids: readonly string[]): Promise<BranchRow[]> {
    return readQuery(this.dataSource, `SELECT id, code, name, city, region FROM branch WHERE id = ANY($1::bigint[])`, [ids]);
  }
}
