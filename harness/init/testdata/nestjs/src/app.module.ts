import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FpxController } from './fpx.controller.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [ConfigModule.forRoot()], controllers: [FpxController, HealthController] })
export class AppModule {}
