import { Max, MaxLength, Min } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';
import { DateScalar } from '../../../graphql/scalars';
import { LifetimeValueActivity, LifetimeValueUnit } from './lifetime-value.type';

@InputType()
export class FitLifetimeValueModelInput {
  @Field(() => LifetimeValueActivity)
  activity: 'TRANSACTIONS' | 'PARTNER_PURCHASES' | 'ALL';

  @Field(() => String, { nullable: true, description: 'Partner code; required for PARTNER_PURCHASES, refused otherwise.' })
  @MaxLength(40)
  partner?: string | null;

  @Field(() => DateScalar, { description: 'Last day (UTC) of the calibration period; not in the future.' })
  calibrationEnd: Date;

  @Field(() => LifetimeValueUnit, { defaultValue: 'WEEK' })
  unit: 'DAY' | 'WEEK' | 'MONTH';

  @Field(() => DateScalar, { nullable: true, description: 'When given, the forecast is compared with purchases in (calibrationEnd, holdoutEnd].' })
  holdoutEnd?: Date | null;

  @Field(() => Float, { nullable: true, description: 'For the stored predicted values; default FATTAIL_CLV_ANNUAL_DISCOUNT_RATE (0.1).' })
  @Min(0)
  @Max(1)
  annualDiscountRate?: number | null;
}
