namespace Portal.Sandbox.Common;

// The one delivery queue shared by both providers. State lives here; WebhookSender does the HTTP.
public sealed class WebhookQueue(SandboxOptions options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<WebhookDelivery> _deliveries = [];
    private readonly Dictionary<SandboxProvider, WebhookDeliveryMode> _modes = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _sequence;

    public WebhookDeliveryMode ModeOf(SandboxProvider provider)
    {
        lock (_gate)
        {
            return _modes.GetValueOrDefault(provider, WebhookDeliveryMode.Normal);
        }
    }

    public void SetMode(SandboxProvider provider, WebhookDeliveryMode mode)
    {
        lock (_gate)
        {
            _modes[provider] = mode;
        }
    }

    public void Enqueue(WebhookDelivery delivery)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var mode = _modes.GetValueOrDefault(delivery.Provider, WebhookDeliveryMode.Normal);
            if (mode == WebhookDeliveryMode.Lost)
            {
                return;
            }

            Add(delivery, mode, now);
            if (mode == WebhookDeliveryMode.Duplicate)
            {
                Add(delivery.CloneAsDuplicate(NewDeliveryId()), mode, now);
            }

            SignalChanged();
        }
    }

    public static string NewDeliveryId() => SandboxIds.Stripe("whdel", 16);

    public IReadOnlyList<WebhookDelivery> Snapshot(SandboxProvider provider)
    {
        lock (_gate)
        {
            return _deliveries.Where(d => d.Provider == provider).ToList();
        }
    }

    public bool IsSettled(SandboxProvider provider)
    {
        lock (_gate)
        {
            return _deliveries.Where(d => d.Provider == provider).All(d => d.IsSettled);
        }
    }

    // Waits in real time: a test asks "has everything been delivered (or given up on) yet?".
    public async Task<bool> WaitUntilSettledAsync(SandboxProvider provider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_deliveries.Where(d => d.Provider == provider).All(d => d.IsSettled))
                {
                    return true;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    internal Task ChangedSignal()
    {
        lock (_gate)
        {
            return _changed.Task;
        }
    }

    // Held (out_of_order) deliveries are released together once the oldest one's window has passed, newest first;
    // then every due delivery is returned in send order and marked Sending.
    internal IReadOnlyList<WebhookDelivery> TakeDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            var releasable = _deliveries
                .Where(d => d.State == WebhookDeliveryState.Held)
                .GroupBy(d => d.Provider)
                .Where(held => held.Any(d => d.DueAt <= now))
                .SelectMany(held => held.OrderByDescending(d => d.Sequence))
                .ToList();
            foreach (var held in releasable)
            {
                held.State = WebhookDeliveryState.Queued;
                held.DueAt = now;
                held.Sequence = ++_sequence;
            }

            var due = _deliveries
                .Where(d => d.State is WebhookDeliveryState.Queued or WebhookDeliveryState.AwaitingRetry && d.DueAt <= now)
                .OrderBy(d => d.Sequence)
                .ToList();
            foreach (var delivery in due)
            {
                delivery.State = WebhookDeliveryState.Sending;
            }

            return due;
        }
    }

    internal DateTimeOffset? NextDueAt()
    {
        lock (_gate)
        {
            var waiting = _deliveries.Where(d => d.State is WebhookDeliveryState.Held or WebhookDeliveryState.Queued or WebhookDeliveryState.AwaitingRetry);
            return waiting.Any() ? waiting.Min(d => d.DueAt) : null;
        }
    }

    internal void Complete(WebhookDelivery delivery, WebhookAttempt attempt)
    {
        lock (_gate)
        {
            delivery.Record(attempt);
            var succeeded = attempt.StatusCode is >= 200 and < 300;
            var retriesUsed = delivery.Attempts.Count - 1;
            if (succeeded)
            {
                delivery.State = WebhookDeliveryState.Delivered;
            }
            else if (retriesUsed < options.WebhookRetrySchedule.Length)
            {
                delivery.State = WebhookDeliveryState.AwaitingRetry;
                delivery.DueAt = attempt.At + options.WebhookRetrySchedule[retriesUsed];
            }
            else
            {
                delivery.State = WebhookDeliveryState.GaveUp;
            }

            SignalChanged();
        }
    }

    private void Add(WebhookDelivery delivery, WebhookDeliveryMode mode, DateTimeOffset now)
    {
        delivery.Sequence = ++_sequence;
        if (mode == WebhookDeliveryMode.OutOfOrder)
        {
            delivery.State = WebhookDeliveryState.Held;
            delivery.DueAt = now + options.OutOfOrderWindow;
        }
        else
        {
            delivery.State = WebhookDeliveryState.Queued;
            delivery.DueAt = now;
        }

        _deliveries.Add(delivery);
    }

    private void SignalChanged()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
