using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Invoices;

namespace Portal.Tests.Fixture;

/// <summary><c>App.AnInvoice(client).WithLine("Audit", 1, 120_00).DueInDays(30).IssuedAsync()</c></summary>
public sealed class InvoiceBuilder(PortalApp app, TestClient client)
{
    private readonly List<InvoiceLineInput> _lines = [];
    private int _dueInDays = 30;
    private int _issuedDaysAgo;

    public InvoiceBuilder WithLine(string description, decimal quantity, long unitPriceMinor, int taxBasisPoints = 0)
    {
        _lines.Add(new InvoiceLineInput(description, quantity, unitPriceMinor, taxBasisPoints));
        return this;
    }

    public InvoiceBuilder DueInDays(int days)
    {
        _dueInDays = days;
        return this;
    }

    public InvoiceBuilder IssuedDaysAgo(int days)
    {
        _issuedDaysAgo = days;
        return this;
    }

    public Task<Invoice> DraftAsync() => SaveAsync(issue: false);

    public Task<Invoice> IssuedAsync() => SaveAsync(issue: true);

    private async Task<Invoice> SaveAsync(bool issue)
    {
        if (_lines.Count == 0)
            WithLine("Services", 1, 100_00);
        await using var db = app.OpenDb(client.Firm.Id);
        var account = await db.ClientAccounts.SingleAsync(c => c.Id == client.Id);
        var issueDate = app.Today.AddDays(-_issuedDaysAgo);
        var invoice = new Invoice(account, client.Currency, issueDate, issueDate.AddDays(_dueInDays), app.Clock.GetUtcNow());
        invoice.ReplaceLines(_lines);
        db.Invoices.Add(invoice);
        if (issue)
            db.LedgerTransactions.Add(InvoiceBooking.Issue(invoice, await db.Firms.SingleAsync(), account, Invoicing.IssueKey(invoice.Id), app.Clock.GetUtcNow()));
        await db.SaveChangesAsync();
        return invoice;
    }
}
