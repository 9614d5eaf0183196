using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Portal.Live;

/// <summary>
/// Live updates for browsers and other clients at <c>/hubs/live</c>. Signed-in users only (the portal's cookie);
/// a connection joins the one group its claims give it and takes no group from the caller, so nobody can listen
/// to another firm or client. It only listens: updates are sent to groups by the publisher as <see cref="Changed"/>.
/// </summary>
[Authorize]
public sealed class LiveHub : Hub
{
    public const string Changed = "changed";

    public override async Task OnConnectedAsync()
    {
        if (Context.User is not { } user || LiveAudience.Of(user) is not { } audience)
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, audience.Name);
        await base.OnConnectedAsync();
    }
}
