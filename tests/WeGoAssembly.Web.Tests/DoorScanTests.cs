using System.Text.Json;
using Microsoft.Playwright;
using WeGoAssembly.Web.Tests.Browser;
using Xunit.Abstractions;

namespace WeGoAssembly.Web.Tests;

/// <summary>
/// The door's QR reader endpoint (/door/read-qr), called as the door page calls it, with the signed-in browser's
/// cookie: staff only, exact sizes, and an honest "nothing found" for an image without a code.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class DoorScanTests(WebApp web, ITestOutputHelper output)
{
    [Fact]
    public async Task The_reader_takes_only_staff_and_exact_frames_and_says_when_no_code_is_in_them()
    {
        var scene = await AssemblyScene.CreateAsync(web.Server);
        var (_, code) = await scene.DelegateAsync("seoul", checkIn: false);

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            await ParticipantJourneyTests.SignInAsync(journey, code, landsOn: "/vote");
            var asParticipant = await Post(journey, 40, 40, new byte[1600]);
            Assert.Equal(403, asParticipant.Status);
        });

        await web.JourneyAsync(output, Screen.Phone, async journey =>
        {
            await SecretariatBallotTests.SignInStaffAsync(journey);

            var blank = await Post(journey, 40, 40, Enumerable.Repeat((byte)200, 1600).ToArray());
            Assert.Equal(200, blank.Status);
            Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await blank.TextAsync()).RootElement.GetProperty("text").ValueKind);

            var tooSmall = await Post(journey, 10, 10, new byte[100]);
            Assert.Equal(400, tooSmall.Status);
            Assert.Contains("width × height must be from 21 × 21", await tooSmall.TextAsync());

            var tooLarge = await Post(journey, 4096, 4096, new byte[16]);
            Assert.Equal(400, tooLarge.Status);

            var shortBody = await Post(journey, 40, 40, new byte[1599]);
            Assert.Equal(400, shortBody.Status);
            Assert.Contains("exactly width × height = 1,600 bytes", await shortBody.TextAsync());
            var longBody = await Post(journey, 40, 40, new byte[1601]);
            Assert.Equal(400, longBody.Status);
        });
    }

    private static Task<IAPIResponse> Post(Journey journey, int width, int height, byte[] grey) =>
        journey.Page.APIRequest.PostAsync($"/door/read-qr?width={width}&height={height}", new()
        {
            DataByte = grey, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/octet-stream" },
        });
}
