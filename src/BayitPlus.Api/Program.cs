using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddServiceDefaults();
    builder.AddMongo(typeof(Program).Assembly);
    builder.AddJwtAuth();
    builder.AddSlices();

    var app = builder.Build();
    app.UseServiceDefaults();
    app.MapSlices();
    await app.RunAsync();
    return 0;
}
catch (StartupException error)
{
    await Console.Error.WriteLineAsync($"BayitPlus cannot start: {error.Message}");
    return 1;
}

/// <summary>Visible to WebApplicationFactory in the functional tests.</summary>
public partial class Program;
