using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardsOnFile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SavedCards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PaymentMethodId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Brand = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    ExpMonth = table.Column<int>(type: "integer", nullable: true),
                    ExpYear = table.Column<int>(type: "integer", nullable: true),
                    SavedWithPaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    SavedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RemovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedCards", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedCards_ClientAccounts_ClientAccountId",
                        column: x => x.ClientAccountId,
                        principalTable: "ClientAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CardCharges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientAccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    SavedCardId = table.Column<Guid>(type: "uuid", nullable: false),
                    Attempt = table.Column<int>(type: "integer", nullable: false),
                    PlannedFor = table.Column<DateOnly>(type: "date", nullable: false),
                    PlannedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    CancelledBecause = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    PaymentId = table.Column<Guid>(type: "uuid", nullable: true),
                    DeclineCode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardCharges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CardCharges_ClientAccounts_ClientAccountId",
                        column: x => x.ClientAccountId,
                        principalTable: "ClientAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CardCharges_Invoices_InvoiceId",
                        column: x => x.InvoiceId,
                        principalTable: "Invoices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CardCharges_SavedCards_SavedCardId",
                        column: x => x.SavedCardId,
                        principalTable: "SavedCards",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CardCharges_ClientAccountId",
                table: "CardCharges",
                column: "ClientAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_CardCharges_FirmId_Status_PlannedFor",
                table: "CardCharges",
                columns: new[] { "FirmId", "Status", "PlannedFor" });

            migrationBuilder.CreateIndex(
                name: "IX_CardCharges_InvoiceId_Attempt",
                table: "CardCharges",
                columns: new[] { "InvoiceId", "Attempt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CardCharges_SavedCardId",
                table: "CardCharges",
                column: "SavedCardId");

            migrationBuilder.CreateIndex(
                name: "IX_SavedCards_ClientAccountId",
                table: "SavedCards",
                column: "ClientAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_SavedCards_FirmId_ClientAccountId",
                table: "SavedCards",
                columns: new[] { "FirmId", "ClientAccountId" });

            migrationBuilder.CreateIndex(
                name: "IX_SavedCards_FirmId_PaymentMethodId",
                table: "SavedCards",
                columns: new[] { "FirmId", "PaymentMethodId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CardCharges");

            migrationBuilder.DropTable(
                name: "SavedCards");
        }
    }
}
