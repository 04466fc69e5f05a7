import { deriveAction } from './audit-details';

describe('deriveAction', () => {
  it.each([
    ['POST', '/api/resources', 'resource.create', 'resource'],
    ['PATCH', '/api/users/:id', 'user.update', 'user'],
    ['DELETE', '/api/workrooms/:id', 'workroom.delete', 'workroom'],
    ['GET', '/api/files/:id/content', 'file.content_read', 'file'],
    ['PUT', '/api/tenants/:id/quota', 'tenant.quota_update', 'tenant'],
  ])('%s %s → %s', (method, path, action, type) => {
    expect(deriveAction(method, path)).toEqual({ action, resourceType: type });
  });
});
