import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';
import { createLifetimeValueRepositories, createLifetimeValueService } from '../../modules/lifetime-value/lifetime-value.context';
import { ACTIVITIES, Activity, Unit, UNITS } from '../../modules/lifetime-value/lifetime-value.repository';
import { FitResult } from '../../modules/lifetime-value/lifetime-value.service';

interface FitOptions {
  activity: Activity;
  partner?: string;
  calibrationEnd: string;
  unit: Unit;
  holdoutEnd?: string;
  discountRate?: number;
  json?: boolean;
}

// CLI spellings are lower-case with dashes (partner-purchases, week); the service takes the API's enums.
function choice<T extends string>(name: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    const upper = value.trim().toUpperCase().replace(/-/g, '_');
    if (!(values as readonly string[]).includes(upper)) {
      throw new InvalidArgumentError(`${name} must be one of ${values.map((v) => v.toLowerCase().replace(/_/g, '-')).join(', ')}`);
    }
    return upper as T;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('a rate between 0 and 1, e.g. 0.1');
  return n;
}

const f = (n: number, digits = 4) => n.toFixed(digits);

export function formatFit(r: FitResult): string {
  const lines = [
    `lifetime-value model version ${r.version}: ${r.activity.toLowerCase()}${r.partner ? ` of ${r.partner}` : ''}, calibration to ${r.calibrationEnd}, unit ${r.unit.toLowerCase()}`,
    `  BG/NBD       r ${f(r.bgnbd.r)}  alpha ${f(r.bgnbd.alpha)}  a ${f(r.bgnbd.a)}  b ${f(r.bgnbd.b)}  log-likelihood ${f(r.bgnbd.logLikelihood, 3)}`,
    `  Gamma-Gamma  p ${f(r.gammaGamma.p)}  q ${f(r.gammaGamma.q)}  gamma ${f(r.gammaGamma.gamma)}  log-likelihood ${f(r.gammaGamma.logLikelihood, 3)}`,
    `  customers ${r.customers}, repeat customers ${r.repeatCustomers}, distinct (x, t_x, T) ${r.uniqueTriples}, scored ${r.scoredCustomers}`,
  ];
  if (r.holdout) {
    lines.push(`  holdout (${f(r.holdout.periods, 2)} ${r.unit.toLowerCase()}s): predicted ${f(r.holdout.predicted, 1)}, actual ${r.holdout.actual} (${f(r.holdout.errorPct, 2)}%)`);
  }
  const ms = r.timings;
  lines.push(`  took ${Math.round(ms.extractMs)} ms extract, ${Math.round(ms.fitMs)} ms fit, ${Math.round(ms.scoreMs)} ms score, ${Math.round(ms.writeMs)} ms write`);
  return lines.join('\n') + '\n';
}

export function registerClvCommand(program: Command): void {
  const clv = program.command('clv').description('customer lifetime value');
  clv
    .command('fit')
    .description('fit BG/NBD + Gamma-Gamma on an activity stream, store the model and score every customer active by the calibration end')
    .requiredOption('--activity <kind>', 'transactions | partner-purchases | all', choice('--activity', ACTIVITIES))
    .option('--partner <code>', 'partner code (with --activity partner-purchases)')
    .requiredOption('--calibration-end <date>', 'last day of the calibration period, YYYY-MM-DD (UTC)')
    .option('--unit <unit>', 'day | week | month', choice('--unit', UNITS), 'WEEK' as Unit)
    .option('--holdout-end <date>', 'also compare the forecast with purchases up to this day, YYYY-MM-DD')
    .option('--discount-rate <rate>', 'annual discount rate of the stored predicted values (default FATTAIL_CLV_ANNUAL_DISCOUNT_RATE)', rate)
    .option('--json', 'print the result as JSON')
    .action(async (opts: FitOptions) => {
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName: 'fattail-clv' });
      try {
        await migrate(db.dataSource);
        const service = createLifetimeValueService(createLifetimeValueRepositories(db.dataSource));
        const result = await service.fit({
          activity: opts.activity,
          partner: opts.partner,
          calibrationEnd: opts.calibrationEnd,
          unit: opts.unit,
          holdoutEnd: opts.holdoutEnd,
          annualDiscountRate: opts.discountRate,
        });
        process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatFit(result));
      } finally {
        await db.close();
      }
    });
}
