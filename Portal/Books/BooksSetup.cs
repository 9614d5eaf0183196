namespace Portal.Books;

public static class BooksSetup
{
    public static IServiceCollection AddBooks(this IServiceCollection services) => services
        .AddScoped<JournalEntries>()
        .AddScoped<BooksReports>()
        .AddScoped<BooksAdministration>();
}
