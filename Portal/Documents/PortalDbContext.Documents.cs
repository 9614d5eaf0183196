using Microsoft.EntityFrameworkCore;
using Portal.Documents;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<IssuedInvoiceInputs> IssuedInvoiceInputs => Set<IssuedInvoiceInputs>();
}
