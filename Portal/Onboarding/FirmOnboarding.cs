using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Integrations;
using Portal.Providers.Stripe;

namespace Portal.Onboarding;

/// <summary>
/// The new firm's way to its first payment: where it stands (<see cref="OnboardingSteps"/>), and the two steps that
/// can be taken in one press from the checklist: a colour for the portal, and card payments through the sandbox.
/// </summary>
public sealed class FirmOnboarding(IDbContextFactory<PortalDbContext> dbFactory, StripeConnector stripe, Providers.InAppSandbox.InAppSandbox sandbox)
{
    /// <summary>Colours a firm can pick in one press; each keeps white text and links on white legible (WCAG AA).</summary>
    public static readonly IReadOnlyList<string> QuickColours = ["#1E3A8A", "#0F766E", "#166534", "#6D28D9", "#BE123C", "#7C2D12"];

    public bool SandboxAvailable => sandbox.Enabled;

    public async Task<OnboardingSteps> StepsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().Select(f => new { f.PrimaryColor, f.LogoDataUrl }).SingleAsync(cancellationToken);
        return new OnboardingSteps(
            Branded: firm.PrimaryColor is not null || firm.LogoDataUrl is not null,
            ProviderConnected: await db.ProviderConnections.AnyAsync(cancellationToken),
            ClientAdded: await db.ClientAccounts.AnyAsync(cancellationToken),
            // A firm already paid (one that imported its history, or the demo) has got an invoice to its clients.
            InvoiceSent: await db.Set<InvoiceTimelineEntry>().AnyAsync(e => e.Kind == InvoiceTimelineKind.Sent, cancellationToken)
                || await db.Payments.AnyAsync(cancellationToken));
    }

    /// <summary>One of <see cref="QuickColours"/> as the portal's colour; the logo, if any, is kept.</summary>
    public async Task ChooseColourAsync(string colour, CancellationToken cancellationToken = default)
    {
        if (!QuickColours.Contains(colour))
            throw new DomainException("Choose one of the colours offered, or any colour on the settings page.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException("firm");
        firm.Brand(colour, firm.LogoDataUrl);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Card payments on the built-in Stripe sandbox, so the firm can see a client pay before it has a Stripe account:
    /// a test key of its own (the sandbox opens an account for any test key) and the sandbox's webhook registered.
    /// Refused where the sandbox is off, and where Stripe is already connected (its keys are not replaced from here).
    /// </summary>
    public async Task UseStripeSandboxAsync(CancellationToken cancellationToken = default)
    {
        if (!sandbox.Enabled)
            throw new DomainException("The sandbox is not enabled on this server: connect in test or live mode.");
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            if (await db.ProviderConnections.AnyAsync(c => c.Provider == Domain.Payments.PaymentProvider.Stripe, cancellationToken))
                throw new DomainException("Stripe is already connected.");
        var account = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await stripe.ConnectAsync(new StripeConnectionInput(ProviderMode.Sandbox, $"sk_test_sandbox_{account}", $"pk_test_sandbox_{account}", null), cancellationToken);
    }
}

public static class OnboardingSetup
{
    public static IServiceCollection AddOnboarding(this IServiceCollection services) => services.AddScoped<FirmOnboarding>();
}
