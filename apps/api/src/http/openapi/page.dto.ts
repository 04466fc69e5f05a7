import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Page } from '@cascade/core';

const pages = new Map<Type<unknown>, Type<Page<unknown>>>();

/**
 * The list page of the contract, `{items, next_cursor}`, as a named schema per item type
 * (`ResourcePage` for `ResourceResponse`), so a generated client gets a typed page.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Type<Page<T>>;
  class ItemPage implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({
      type: 'string',
      nullable: true,
      description: 'Opaque: pass it back as ?cursor= for the next page; null on the last page',
    })
    next_cursor: string | null;
  }
  Object.defineProperty(ItemPage, 'name', { value: `${item.name.replace(/Response$/, '')}Page` });
  pages.set(item, ItemPage);
  return ItemPage;
}
