using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;

namespace Portal.Clients;

/// <summary>A client's details as staff enter them. <paramref name="Legal"/> null leaves the legal details as they are.</summary>
public sealed record ClientInput(string Name, string BillingEmail, string CurrencyCode, string? CompanyNumber, ClientLegalDetails? Legal = null);

/// <summary>Staff actions on the firm's client accounts. Tenant filters keep every lookup inside the firm.</summary>
public sealed class ClientDirectory(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ClientAccount> CreateAsync(ClientInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firmId = db.Tenant.FirmId ?? throw new DomainException("Only firm staff can add clients.");
        var client = new ClientAccount(firmId, input.Name, input.BillingEmail, Currency.FromCode(input.CurrencyCode), clock.GetUtcNow());
        client.Update(input.Name, input.BillingEmail, Currency.FromCode(input.CurrencyCode), input.CompanyNumber);
        if (input.Legal is { } legal)
            client.SetLegalDetails(legal);
        db.ClientAccounts.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }

    public async Task UpdateAsync(Guid clientId, ClientInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken)
            ?? throw new NotFoundException("client");
        var currency = Currency.FromCode(input.CurrencyCode);
        if (currency != client.Currency && await db.Invoices.AnyAsync(i => i.ClientAccountId == clientId, cancellationToken))
            throw new DomainException("The currency of a client with invoices cannot change.");
        client.Update(input.Name, input.BillingEmail, currency, input.CompanyNumber);
        if (input.Legal is { } legal)
            client.SetLegalDetails(legal);
        await db.SaveChangesAsync(cancellationToken);
    }
}
