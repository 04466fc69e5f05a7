export interface WorkroomView {
  id: string;
  name: string;
  created_by: string | null;
  created_at: Date;
}

export const WORKROOM_COLUMNS = 'id, name, created_by, created_at';
