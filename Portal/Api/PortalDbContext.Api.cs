using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Domain.ApiKeys;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ApiIdempotencyRecord> ApiIdempotencyRecords => Set<ApiIdempotencyRecord>();
}
