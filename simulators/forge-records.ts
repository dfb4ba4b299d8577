/** The issue and comment records both forge simulators keep (a pull request is an issue with `pull` state). */
import type { SimReview } from './forge-model';
import type { PullState } from './forge-pulls';

export interface CommentRec {
  id: number;
  body: string;
  author: string;
  createdAt: number;
  updatedAt: number;
}

export interface IssueRec {
  id: number;
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labelIds: number[];
  author: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  isPull: boolean;
  comments: CommentRec[];
  diff: string;
  reviews: SimReview[];
  pull?: PullState;
}
