using System.Collections.Concurrent;

namespace Portal.Email;

/// <summary>The text of an email as it goes out, with its secret link in it.</summary>
public sealed record DeliverableBody(string Text, string Html);

/// <summary>
/// The real bodies of emails that carry a secret link (sign-in, password reset, invitation), kept in this instance's
/// memory only until the dispatcher has handed them to the mail server or the pickup folder. The database row, and so
/// the Sent emails page, holds the same email with the link hidden: anyone who can read the table (an admin on that
/// page, a backup) cannot use someone else's link. If the instance stops first, the email is never sent and the
/// person asks for a new link, which is what they would do with a lost email anyway; the row is failed with that reason
/// after <see cref="Lifetime"/>. Pay links do not need this: their token can be derived again (PayLinkMail).
/// </summary>
public sealed class HeldSecretLinks(TimeProvider clock)
{
    /// <summary>
    /// How long the sender keeps trying a held email; past it the email is failed and the person asks for a new link.
    /// Any instance fails a held row still Sending a lease after this: its sender stopped (see EmailDispatcher).
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>How long a body waits for its row to commit before it is dropped (a rolled-back change).</summary>
    public static readonly TimeSpan UncommittedLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, (DeliverableBody Body, DateTimeOffset HeldAt)> _held = new();

    internal void Hold(Guid messageId, DeliverableBody body) => _held[messageId] = (body, clock.GetUtcNow());

    internal IReadOnlyList<Guid> MessageIds => [.. _held.Keys];

    internal DeliverableBody? Find(Guid messageId) => _held.TryGetValue(messageId, out var held) ? held.Body : null;

    internal void Release(Guid messageId) => _held.TryRemove(messageId, out _);

    /// <summary>Drops a body whose row never appeared: the change that wrote it was rolled back.</summary>
    internal void ReleaseIfAbandoned(Guid messageId)
    {
        if (_held.TryGetValue(messageId, out var held) && clock.GetUtcNow() - held.HeldAt > UncommittedLifetime)
            _held.TryRemove(messageId, out _);
    }
}
