namespace Portal.Invoices;

public static class InvoicesSetup
{
    public static IServiceCollection AddInvoices(this IServiceCollection services) =>
        services.AddScoped<Invoicing>().AddScoped<InvoiceListQuery>();
}
