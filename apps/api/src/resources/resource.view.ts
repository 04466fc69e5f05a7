export interface ResourceView {
  id: string;
  name: string;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export const RESOURCE_COLUMNS = 'id, name, data, created_at, updated_at';
