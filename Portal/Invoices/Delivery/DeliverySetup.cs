using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Invoices.Delivery;

public static class DeliverySetup
{
    public static IServiceCollection AddInvoiceDelivery(this IServiceCollection services)
    {
        services.AddScoped<InvoiceDelivery>();
        services.AddScoped<InvoiceEmail>();
        services.AddScoped<DeliverySettings>();
        services.AddSingleton<IInterceptor, PaidOnTimeline>();
        return services;
    }
}
