import { Module } from '@nestjs/common';
import { WorkroomsController } from './workrooms.controller';
import { WorkroomsRepository } from './workrooms.repository';
import { WorkroomsService } from './workrooms.service';

@Module({
  controllers: [WorkroomsController],
  providers: [WorkroomsRepository, WorkroomsService],
})
export class WorkroomsModule {}
