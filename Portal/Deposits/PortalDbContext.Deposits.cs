using Microsoft.EntityFrameworkCore;
using Portal.Domain.Invoices;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<DepositInvoice> DepositInvoices => Set<DepositInvoice>();
    public DbSet<DepositDeduction> DepositDeductions => Set<DepositDeduction>();
    public DbSet<DepositInvoiceSequence> DepositInvoiceSequences => Set<DepositInvoiceSequence>();
    public DbSet<DepositInvoiceSettings> DepositInvoiceSettings => Set<DepositInvoiceSettings>();
}
