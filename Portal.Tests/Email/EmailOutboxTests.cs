using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Email;

public sealed class EmailOutboxTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync()
    {
        app.Smtp.Refusing = false;
        return Task.CompletedTask;
    }

    private TestClock Clock => (TestClock)app.Clock;

    private async Task<EmailMessage> StoredAsync(Guid id)
    {
        await using var db = app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private async Task<EmailMessage> WaitUntilAsync(Guid id, Func<EmailMessage, bool> reached)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            var stored = await StoredAsync(id);
            if (reached(stored))
                return stored;
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"Email {id} stayed {stored.Status} after {stored.Attempts} tries ({stored.LastError}).");
            await Task.Delay(50);
        }
    }

    private async Task<Guid> QueueAsync(TestFirm firm, string to, string? key = null)
    {
        var message = new EmailMessage(firm.Id, to, "Statement ready", "Your statement is ready.", "<p>Your statement is ready.</p>", app.Clock.GetUtcNow(), key);
        await using var db = app.OpenDb(firm.Id);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var queued = await app.Services.GetRequiredService<Mailer>().QueueOnceAsync(db, message);
        await transaction.CommitAsync();
        return queued ? message.Id : Guid.Empty;
    }

    [Fact]
    public async Task Smtp_down_is_retried_with_back_off_then_shown_failed_with_its_error_on_sent_emails()
    {
        var firm = await app.AFirmAsync();
        app.Smtp.Refusing = true;

        var id = await QueueAsync(firm, "down@client.test", "statement:down");
        var first = await WaitUntilAsync(id, m => m.Attempts == 1);

        first.Status.ShouldBe(EmailStatus.Pending);
        first.LastError.ShouldNotBeNull().ShouldContain("Mail server down for the test");
        first.NextAttemptAt.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(first.CreatedAt + EmailMessage.BackOff(1));
        // A later email makes the dispatcher run again before the back-off is over: it tries that one, not the first.
        var later = await QueueAsync(firm, "later@client.test", "statement:later");
        await WaitUntilAsync(later, m => m.Attempts == 1);
        (await StoredAsync(id)).Attempts.ShouldBe(1, "no try before the back-off is over");

        for (var attempt = 2; attempt <= 5; attempt++)
        {
            Clock.Advance(EmailMessage.BackOff(attempt - 1) + TimeSpan.FromSeconds(1));
            app.Services.GetRequiredService<EmailSignal>().Notify();
            await WaitUntilAsync(id, m => m.Attempts == attempt);
        }
        var failed = await StoredAsync(id);
        (failed.Status, failed.Attempts).ShouldBe((EmailStatus.Failed, 5));

        using var owner = await app.SignInAsync(firm.Owner);
        var (status, page) = await owner.GetPageAsync("/staff/emails");
        status.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("Mail server down for the test");
        page.ShouldContain(">Failed<");
    }

    [Fact]
    public async Task A_failed_try_is_sent_once_the_mail_server_is_back()
    {
        var firm = await app.AFirmAsync();
        app.Smtp.Refusing = true;
        var id = await QueueAsync(firm, "back@client.test", "statement:back");
        await WaitUntilAsync(id, m => m.Attempts == 1);

        app.Smtp.Refusing = false;
        Clock.Advance(EmailMessage.BackOff(1) + TimeSpan.FromSeconds(1));
        app.Services.GetRequiredService<EmailSignal>().Notify();

        (await app.Smtp.WaitForAsync("back@client.test")).Count.ShouldBe(1);
        (await WaitUntilAsync(id, m => m.Status == EmailStatus.Sent)).LastError.ShouldBeNull();
    }

    [Fact]
    public async Task The_same_key_queued_by_many_racing_writers_is_one_email()
    {
        var firm = await app.AFirmAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => QueueAsync(firm, "once@client.test", "receipt:racing"))));

        ids.Count(id => id != Guid.Empty).ShouldBe(1);
        await app.DrainOutboxAsync(firm);
        app.Smtp.To("once@client.test").Count.ShouldBe(1);
        await using var db = app.OpenDb(firm.Id);
        (await db.Set<EmailMessage>().CountAsync(m => m.IdempotencyKey == "receipt:racing")).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_key_in_another_firm_is_another_email()
    {
        var firm = await app.AFirmAsync();
        var other = await app.AFirmAsync();

        (await QueueAsync(firm, "a@client.test", "receipt:shared")).ShouldNotBe(Guid.Empty);
        (await QueueAsync(other, "b@client.test", "receipt:shared")).ShouldNotBe(Guid.Empty);
    }

    [Fact]
    public async Task Queueing_once_outside_a_transaction_is_refused()
    {
        var firm = await app.AFirmAsync();
        await using var db = app.OpenDb(firm.Id);

        await Should.ThrowAsync<InvalidOperationException>(() => app.Services.GetRequiredService<Mailer>()
            .QueueOnceAsync(db, new EmailMessage(firm.Id, "x@client.test", "s", "t", "<p>h</p>", app.Clock.GetUtcNow(), "k")));
    }
}
