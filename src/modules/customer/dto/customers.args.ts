import { ArgsType, Field, InputType, registerEnumType } from 'type-graphql';
import { PageArgs } from '../../../common/dto/page.args';
import { SortDirection } from '../../../graphql/enums';
import { DateTimeScalar } from '../../../graphql/scalars';
import { CustomerFilter } from './customer-filter.input';

export enum CustomerOrderField {
  ID = 'ID',
  FULL_NAME = 'FULL_NAME',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField, { defaultValue: CustomerOrderField.ID })
  field: CustomerOrderField;

  @Field(() => SortDirection, { defaultValue: 'ASC' })
  direction: 'ASC' | 'DESC';
}

@ArgsType()
export class CustomersArgs extends PageArgs {
  @Field(() => CustomerFilter, { nullable: true })
  filter?: CustomerFilter | null;

  @Field(() => CustomerOrder, { nullable: true })
  orderBy?: CustomerOrder | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The clock for relative filters (activity windows, age); default: now.' })
  now?: Date | null;
}
