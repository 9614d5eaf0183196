using System.Text.RegularExpressions;
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
            // The next page is ready when it runs interactively, which is what the person waits for. The address is
            // polled rather than waited on with WaitForURL: when the redirect had already landed before that call, it
            // waited for a lifecycle state that had come and gone, and timed out with the staff dashboard on screen.
            await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/Account/Login"));
            await page.WaitForInteractiveAsync();
        });

    /// <summary>
    /// Prerendered HTML is replaced when the circuit starts; clicking before that is lost. The layout renders
    /// a marker only once it runs interactively.
    /// </summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#portal-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits until the page's address matches <paramref name="urlPattern"/> (a regular expression), its document is
    /// parsed and, if it is a page that runs interactively, until it does: a link clicked before the circuit starts
    /// changed the address once but left the old page on screen. The address is watched, not Chromium's navigation
    /// events: most moves inside the app are client-side, and on a loaded machine Chromium has held a new document's
    /// "load" back long after its last request finished. For the same reason "parsed" is read from the document itself
    /// (<c>document.readyState</c>), not from Playwright's record of lifecycle events: after the mandate page's Cancel
    /// (a form post answered by two redirects), that record once never got the new document's DOMContentLoaded,
    /// and the wait ran out with the page on screen and its circuit connected.
    /// </summary>
    public static Task WaitForPageAsync(this IPage page, string urlPattern) =>
        page.ExplainingFailureAsync(async () =>
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(urlPattern));
            // Polled in whichever document is current, so a navigation still finishing is waited out rather than failed.
            await page.WaitForFunctionAsync("() => document.readyState !== 'loading'");
            if (await page.Locator("body[data-render='interactive']").CountAsync() > 0)
                await page.WaitForInteractiveAsync();
        });

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
            throw PortalApp.Explained(failure, log, await WhatThePageShowsAsync(page));
        }
    }

    /// <summary>What a person would read on the page when a step failed (a message in a snackbar says more than a timeout).</summary>
    private static async Task<string> WhatThePageShowsAsync(IPage page)
    {
        try
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            return $"{page.Url}{Environment.NewLine}{(text.Length > 4_000 ? text[..4_000] + " …" : text)}";
        }
        catch (PlaywrightException unreadable)
        {
            return $"{page.Url} (its text could not be read: {unreadable.Message})";
        }
    }

    /// <summary>
    /// The text box of a MudBlazor field: the test id lands on the input itself for some fields and on a
    /// wrapper for others, so accept either.
    /// </summary>
    public static ILocator Field(this IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    /// <summary>
    /// Types a corrected value into a field that shows an error and waits until the field no longer says it is in
    /// error, while the person is still in it. Fields that can be in error take what is typed as it is typed, so their
    /// error line goes before the person reaches the button below. If it went only when the field is left, the press on
    /// the button would itself take it away and move the button up under the pointer, and the press would be lost
    /// (a full run once lost a Save that way).
    /// </summary>
    public static async Task CorrectAsync(this ILocator field, string value)
    {
        await field.FillAsync(value);
        await Assertions.Expect(field).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(field).ToBeFocusedAsync();
    }

    /// <summary>
    /// Chooses <paramref name="option"/> in the MudBlazor select with test id <paramref name="testId"/>, and waits
    /// until the list has closed and the field shows the choice, as a person does before moving on. The select
    /// finishes a choice in a round trip to the server, which also hands the focus back to the select; once, on a
    /// loaded machine, a description filled in before that trip ended was not in its field afterwards.
    /// </summary>
    public static async Task ChooseAsync(this IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        var choice = page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true });
        await choice.ClickAsync();
        await Assertions.Expect(choice).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId(testId)).ToContainTextAsync(option);
    }

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, name + ".png"), FullPage = true });
}
