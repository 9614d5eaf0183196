using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProviderPayouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProviderPayouts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ProviderPayoutId = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    NetMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    FeesMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    FeeTaxMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    ArrivalDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PaidTransactionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReversalTransactionId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderPayouts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProviderPayoutItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PayoutId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ProviderObjectId = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    PaymentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    FeeTaxMinor = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderPayoutItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProviderPayoutItems_Payments_PaymentId",
                        column: x => x.PaymentId,
                        principalTable: "Payments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ProviderPayoutItems_ProviderPayouts_PayoutId",
                        column: x => x.PayoutId,
                        principalTable: "ProviderPayouts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProviderPayoutItems_PaymentId",
                table: "ProviderPayoutItems",
                column: "PaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_ProviderPayoutItems_PayoutId",
                table: "ProviderPayoutItems",
                column: "PayoutId");

            migrationBuilder.CreateIndex(
                name: "IX_ProviderPayouts_FirmId_Provider_ProviderPayoutId",
                table: "ProviderPayouts",
                columns: new[] { "FirmId", "Provider", "ProviderPayoutId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProviderPayouts_FirmId_RecordedAt",
                table: "ProviderPayouts",
                columns: new[] { "FirmId", "RecordedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProviderPayoutItems");

            migrationBuilder.DropTable(
                name: "ProviderPayouts");
        }
    }
}
