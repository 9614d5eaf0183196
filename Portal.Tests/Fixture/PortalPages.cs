using Microsoft.Playwright;

namespace Portal.Tests.Fixture;

/// <summary>Page objects: what a person does on Portal's pages, in their words.</summary>
public static class PortalPages
{
    public static Task SignInAsync(this IPage page, string email, string password) =>
        page.ExplainingFailureAsync(async () =>
        {
            await page.GotoAsync("/Account/Login");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            // The next page is ready when it runs interactively, which is what the person waits for. Its "load" event
            // is not waited on: twice, on a loaded machine, Chromium had not fired it for the page after sign-in
            // 30 s and 90 s after every request of that page had finished, while its circuit had connected.
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
            await page.WaitForInteractiveAsync();
        });

    /// <summary>
    /// Prerendered HTML is replaced when the circuit starts; clicking before that is lost. The layout renders
    /// a marker only once it runs interactively.
    /// </summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task GoToAsync(this IPage page, string path) =>
        page.ExplainingFailureAsync(async () =>
        {
            await page.GotoAsync(path);
            await page.WaitForInteractiveAsync();
        });

    /// <summary>
    /// Runs a step on a page; if it fails, the failure carries the recent log of the app the page is on (its requests
    /// with their timings, every warning), so a step that stalls once on CI says where the time went.
    /// </summary>
    public static async Task ExplainingFailureAsync(this IPage page, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception failure) when (failure is not Xunit.Sdk.XunitException && PortalApp.TryFindLog(page.Url, out var log))
        {
            throw PortalApp.Explained(failure, log);
        }
    }

    /// <summary>
    /// The text box of a MudBlazor field: the test id lands on the input itself for some fields and on a
    /// wrapper for others, so accept either.
    /// </summary>
    public static ILocator Field(this IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, name + ".png"), FullPage = true });
}
