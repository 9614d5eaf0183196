namespace Portal.Recurring;

public static class RecurringSetup
{
    public static IServiceCollection AddRecurring(this IServiceCollection services) => services
        .AddScoped<RecurringSchedules>()
        .AddScoped<PeriodInvoicer>()
        .AddSingleton<RecurringGeneration>()
        .AddHostedService<RecurringGenerationService>();
}

/// <summary>
/// Runs <see cref="RecurringGeneration"/> at start (a restart catches up at once) and then every
/// <c>Recurring:GenerateEvery</c> (default hourly, so each firm's local midnight is picked up within the hour; off when zero).
/// </summary>
internal sealed class RecurringGenerationService(RecurringGeneration generation, IConfiguration configuration, TimeProvider clock, ILogger<RecurringGenerationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("Recurring:GenerateEvery", TimeSpan.FromHours(1));
        if (every <= TimeSpan.Zero)
            return;
        // Let the host finish starting (migrations, the rest of start-up) before the first run.
        await Task.Yield();
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await generation.GenerateDueAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "Recurring invoice generation failed; it runs again at the next tick.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
