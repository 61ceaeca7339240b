using BayitPlus.Api.Features.Users;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>A host configured with a bootstrap admin.</summary>
public sealed class BootstrapAdminApiFactory : ApiFactory
{
    public const string Email = "root@bayitplus.example";
    public const string Password = "bootstrap-secret-9";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        [BootstrapAdmin.EmailKey] = "  ROOT@BayitPlus.example ",
        [BootstrapAdmin.PasswordKey] = Password,
    };
}

public sealed class BootstrapAdminTests(BootstrapAdminApiFactory api) : IClassFixture<BootstrapAdminApiFactory>
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private static Task StartedAsync(WebApplicationFactory<Program> host) =>
        host.Services.GetRequiredService<BootstrapAdmin>().Completion.WaitAsync(TimeSpan.FromSeconds(30), Http.Ct);

    private Task<List<BsonDocument>> WithEmailAsync(string email) => Users.Find(new BsonDocument("email", email)).ToListAsync(Http.Ct);

    [Fact]
    public async Task The_configured_admin_exists_after_start_and_a_second_start_does_not_duplicate_it()
    {
        await StartedAsync(api);
        var created = Assert.Single(await WithEmailAsync(BootstrapAdminApiFactory.Email));
        Assert.Equal("admin", created["role"].AsString);
        Assert.True(created["is_active"].AsBoolean);
        Assert.True(BCrypt.Net.BCrypt.Verify(BootstrapAdminApiFactory.Password, created["password_hash"].AsString));

        await using var second = api.WithWebHostBuilder(_ => { });
        await StartedAsync(second);

        Assert.Equal(created, Assert.Single(await WithEmailAsync(BootstrapAdminApiFactory.Email)));
    }

    [Fact]
    public async Task An_existing_account_is_promoted_and_keeps_its_password()
    {
        await StartedAsync(api);
        var user = await api.SignUpAsync();
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);
        var before = Assert.Single(await WithEmailAsync(user.Email));

        await using var host = api.WithWebHostBuilder(builder => builder
            .UseSetting(BootstrapAdmin.EmailKey, user.Email)
            .UseSetting(BootstrapAdmin.PasswordKey, "another-password-1"));
        await StartedAsync(host);

        var promoted = Assert.Single(await WithEmailAsync(user.Email));
        Assert.Equal("admin", promoted["role"].AsString);
        Assert.True(promoted["is_active"].AsBoolean);
        Assert.Equal(before["password_hash"], promoted["password_hash"]);
        Assert.True(BCrypt.Net.BCrypt.Verify(TestUsers.Password, promoted["password_hash"].AsString));
    }

    [Theory]
    [InlineData("nobody-a@bayitplus.example", "")]
    [InlineData("", BootstrapAdminApiFactory.Password)]
    [InlineData("nobody-b@bayitplus.example", "weak")]
    public async Task Without_both_settings_or_with_a_weak_password_nothing_is_created(string email, string password)
    {
        await StartedAsync(api);
        var before = await Users.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Http.Ct);

        await using var host = api.WithWebHostBuilder(builder => builder
            .UseSetting(BootstrapAdmin.EmailKey, email)
            .UseSetting(BootstrapAdmin.PasswordKey, password));
        await StartedAsync(host);

        Assert.Equal(before, await Users.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Http.Ct));
    }
}
