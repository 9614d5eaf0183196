using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Payments;
using Portal.Email;
using Portal.Payments;
using Portal.Tests.Fixture;
using Xunit;

namespace Portal.Tests.Email;

/// <summary>
/// An instance queues emails and stops before its dispatcher sends them; another starts on the same database and
/// sends each one exactly once, even when the cause is replayed on it.
/// </summary>
public sealed class KillBetweenQueueAndSendTests
{
    /// <summary>An instance whose dispatcher never runs: it stops between queueing and sending.</summary>
    private sealed class StoppedBeforeSending : MailPortalApp
    {
        protected override void ConfigureTestServices(IServiceCollection services)
        {
            foreach (var dispatcher in services.Where(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(EmailDispatcher)).ToList())
                services.Remove(dispatcher);
        }
    }

    private sealed class Restarted(PortalApp first) : MailPortalApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
    }

    [Fact]
    public async Task Emails_queued_before_the_app_stopped_are_sent_once_after_it_restarts_and_a_replay_sends_nothing_more()
    {
        var first = new StoppedBeforeSending();
        await ((IAsyncLifetime)first).InitializeAsync();
        try
        {
            var firm = await first.AFirmAsync();
            var client = await first.AClientAsync(firm);
            var invoice = await first.AnInvoice(client).WithLine("Year-end accounts", 1, 120_00).IssuedAsync();
            var key = MoneyChecks.NewKey();
            var request = new ManualPaymentRequest(client.Id, PaymentMethod.BankTransfer, client.Amount(120_00), [new(invoice.Id, client.Amount(120_00))], false, "TRF-88", key);
            var paymentId = (await first.AsStaffOfAsync<ManualPaymentRecorder, Portal.Ledger.MoneyResult>(firm, r => r.RecordAsync(request))).Id!.Value;
            string billing;
            Guid interrupted;
            await using (var db = first.OpenDb(firm.Id))
            {
                billing = await db.ClientAccounts.Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
                (await db.Set<EmailMessage>().SingleAsync(m => m.To == billing)).Status.ShouldBe(EmailStatus.Pending);
                // And one a sender had claimed when it stopped, mid hand-over: nobody knows if the mail server took it.
                var claimed = new EmailMessage(firm.Id, "claimed@client.test", "Invoice INV-9", "text", "<p>html</p>", first.Clock.GetUtcNow(), "invoice:claimed");
                db.Add(claimed);
                await db.SaveChangesAsync();
                interrupted = claimed.Id;
                var expired = first.Clock.GetUtcNow() - TimeSpan.FromMinutes(5);
                await db.Set<EmailMessage>().Where(m => m.Id == interrupted)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, EmailStatus.Sending).SetProperty(m => m.LeaseUntil, expired));
            }
            // The next instance comes up on the same database (and clock), and the first goes away with its mail
            // still in the outbox.
            await using var second = new Restarted(first);
            await ((IAsyncLifetime)second).InitializeAsync();
            await first.DisposeAsync();
            var receipt = (await second.Smtp.WaitForAsync(billing)).Single();
            (receipt.Subject ?? "").ShouldContain("120.00");

            // The cause again on the new instance: the same request key, and the same receipt key.
            (await second.AsStaffOfAsync<ManualPaymentRecorder, Portal.Ledger.MoneyResult>(firm, r => r.RecordAsync(request))).Replayed.ShouldBeTrue();
            await using (var db = second.OpenDb(firm.Id))
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                (await second.Services.GetRequiredService<Mailer>().QueueOnceAsync(db,
                    new EmailMessage(firm.Id, billing, "Receipt", "again", "<p>again</p>", second.Clock.GetUtcNow(), $"receipt:{paymentId:N}"))).ShouldBeFalse();
                await transaction.CommitAsync();
            }
            await second.DrainOutboxAsync(firm);

            second.Smtp.To(billing).Count.ShouldBe(1);
            second.Smtp.To("claimed@client.test").ShouldBeEmpty("at most once: a hand-over cut short is not tried again");
            await using (var db = second.OpenDb(firm.Id))
            {
                var gaveUp = await db.Set<EmailMessage>().SingleAsync(m => m.Id == interrupted);
                (gaveUp.Status, gaveUp.LastError).ShouldBe((EmailStatus.Failed, EmailDispatcher.InterruptedError));
            }
        }
        finally
        {
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }
}
