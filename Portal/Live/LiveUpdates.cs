namespace Portal.Live;

/// <summary>
/// The in-process notifier open pages listen to: a page subscribes for its audience (its firm, or its client
/// account) and is called back with every update for it, on this instance. Updates reach it from the publisher,
/// directly or through Redis when several instances run (<see cref="ILiveFanOut"/>).
/// </summary>
public sealed class LiveUpdates(ILogger<LiveUpdates> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LiveAudience, List<Subscription>> _subscriptions = [];

    /// <summary>Calls <paramref name="onUpdate"/> for each update the audience hears, until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(LiveAudience audience, Func<LiveUpdate, Task> onUpdate)
    {
        var subscription = new Subscription(this, audience, onUpdate);
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(audience, out var list))
                _subscriptions[audience] = list = [];
            list.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Hands the update to every page on this instance that shows its firm or client; a slow or broken page holds up no other.</summary>
    internal void Deliver(LiveUpdate update)
    {
        List<Subscription> listeners;
        lock (_gate)
            listeners = update.Audiences.SelectMany(a => _subscriptions.GetValueOrDefault(a) ?? []).ToList();
        foreach (var listener in listeners)
            _ = CallAsync(listener, update);
    }

    private async Task CallAsync(Subscription listener, LiveUpdate update)
    {
        try
        {
            await listener.OnUpdate(update);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A page failed to take live update {Kind} {SubjectId}", update.Kind, update.SubjectId);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_subscriptions.TryGetValue(subscription.Audience, out var list) && list.Remove(subscription) && list.Count == 0)
                _subscriptions.Remove(subscription.Audience);
        }
    }

    private sealed class Subscription(LiveUpdates owner, LiveAudience audience, Func<LiveUpdate, Task> onUpdate) : IDisposable
    {
        public LiveAudience Audience => audience;
        public Func<LiveUpdate, Task> OnUpdate => onUpdate;

        public void Dispose() => owner.Remove(this);
    }
}
