namespace Portal.Reminders;

public static class RemindersSetup
{
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddSingleton<Reminders>();
        services.AddScoped<ReminderSender>();
        services.AddScoped<ReminderEmail>();
        services.AddScoped<ReminderSettings>();
        services.AddHostedService<ReminderSweepService>();
        return services;
    }
}

/// <summary>
/// Uses credit where the firm has it used by itself, then runs the reminder sweep, the invoice.overdue events and the monthly statements, on every instance, every <c>Reminders:SweepEvery</c> (default
/// hourly; off when zero). Hourly is enough for steps counted in days, and lets each firm's local midnight be picked
/// up within the hour.
/// </summary>
internal sealed class ReminderSweepService(Reminders reminders, Portal.Statements.MonthlyStatements statements, Portal.Wallets.CreditAutoApplication autoCredit, Portal.OutgoingWebhooks.OverdueInvoiceEvents overdueEvents, IConfiguration configuration, TimeProvider clock,
    ILogger<ReminderSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("Reminders:SweepEvery", TimeSpan.FromHours(1));
        if (every <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Credit first: an invoice it pays is not reminded.
                await autoCredit.ApplyDueAsync(stoppingToken);
                await reminders.SweepAsync(stoppingToken);
                await overdueEvents.AnnounceAsync(stoppingToken);
                await statements.SendAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "The credit, reminder, overdue-event and statement sweep failed; it runs again at the next tick.");
            }
        }
    }
}
