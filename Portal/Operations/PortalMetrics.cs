using System.Diagnostics.Metrics;
using Portal.Domain.Payments;

namespace Portal.Operations;

/// <summary>
/// The business counters operators watch next to the HTTP and database ones: webhooks received, applied and failed;
/// payment status changes; emails sent and failed. Exported with the rest through OpenTelemetry (meter "Portal").
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "Portal";

    private readonly Counter<long> _webhooksReceived;
    private readonly Counter<long> _webhooksApplied;
    private readonly Counter<long> _webhooksFailed;
    private readonly Counter<long> _paymentStatusChanges;
    private readonly Counter<long> _emailsSent;
    private readonly Counter<long> _emailsFailed;

    public PortalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _webhooksReceived = meter.CreateCounter<long>("portal.webhooks.received", "{event}", "Provider events stored in the inbox (duplicates excluded).");
        _webhooksApplied = meter.CreateCounter<long>("portal.webhooks.applied", "{event}", "Provider events applied.");
        _webhooksFailed = meter.CreateCounter<long>("portal.webhooks.failed", "{attempt}", "Failed attempts to apply a provider event.");
        _paymentStatusChanges = meter.CreateCounter<long>("portal.payments.status_changes", "{payment}", "Payments reaching a status, by status.");
        _emailsSent = meter.CreateCounter<long>("portal.emails.sent", "{email}", "Emails handed to the mail server or pickup folder.");
        _emailsFailed = meter.CreateCounter<long>("portal.emails.failed", "{attempt}", "Failed attempts to send an email.");
    }

    public void WebhookReceived(PaymentProvider provider) => _webhooksReceived.Add(1, ProviderTag(provider));

    public void WebhookApplied(PaymentProvider provider) => _webhooksApplied.Add(1, ProviderTag(provider));

    public void WebhookFailed(PaymentProvider provider) => _webhooksFailed.Add(1, ProviderTag(provider));

    public void PaymentReached(string status) => _paymentStatusChanges.Add(1, new KeyValuePair<string, object?>("status", status));

    public void EmailSent() => _emailsSent.Add(1);

    public void EmailFailed() => _emailsFailed.Add(1);

    private static KeyValuePair<string, object?> ProviderTag(PaymentProvider provider) => new("provider", provider.ToString());
}
